import { Freshness } from '@internal/backstage-plugin-environments-common';
import Typography from '@material-ui/core/Typography';
import { RelativeTime } from './RelativeTime';
import { StatusWarning } from '../Status';

/**
 * How fresh an environment's data is: "refreshed 5 minutes ago", or, when the last refresh failed,
 * a warning with the error and the age of the data still shown.
 */
export function FreshnessNote(props: { freshness: Freshness }) {
  const { refreshedAt, stale, error } = props.freshness;
  if (!stale) {
    return refreshedAt ? (
      <Typography variant="body2" color="textSecondary" component="span">
        <RelativeTime prefix="refreshed" value={refreshedAt} />
      </Typography>
    ) : (
      <Typography variant="body2" color="textSecondary" component="span">
        never refreshed
      </Typography>
    );
  }
  return (
    <span>
      <StatusWarning>
        {refreshedAt ? (
          <RelativeTime prefix="stale: data from" value={refreshedAt} />
        ) : (
          'stale: never refreshed successfully'
        )}
      </StatusWarning>
      {error && (
        <Typography
          variant="body2"
          color="error"
          component="span"
          display="block"
        >
          last refresh failed: {error}
        </Typography>
      )}
    </span>
  );
}
