import { CopyTextButton, Link } from '@backstage/core-components';
import { shortDigest } from '@internal/backstage-plugin-environments-common';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import { ecrConsoleUrl } from './ecrConsoleUrl';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'inline-flex',
    alignItems: 'center',
    whiteSpace: 'nowrap',
  },
  digest: {
    fontFamily: 'monospace',
  },
  // Backstage's copy button is 2rem high: it takes no more of the line than the text does.
  copy: {
    display: 'inline-flex',
    marginLeft: theme.spacing(0.25),
    marginBlock: '-0.375rem',
  },
}));

/**
 * A digest as people quote it (12 characters), the full digest on hover, linked to the image in ECR
 * when the image URI says where it lives, with a button that copies the full digest.
 */
export function ShortDigest(props: {
  digest: string;
  imageUri?: string;
  /** Shown in the copy button's label, so screen readers can tell the buttons apart. */
  environment?: string;
  copyable?: boolean;
}) {
  const { digest, imageUri, environment, copyable = true } = props;
  const classes = useStyles();
  const href = ecrConsoleUrl(imageUri, digest);
  const text = <span className={classes.digest}>{shortDigest(digest)}</span>;
  return (
    <span className={classes.root}>
      <Tooltip title={digest}>
        {href ? (
          <Link to={href} aria-label={`${shortDigest(digest)} (image in ECR)`}>
            {text}
          </Link>
        ) : (
          text
        )}
      </Tooltip>
      {copyable && (
        <span className={classes.copy}>
          <CopyTextButton
            text={digest}
            variant="tertiary"
            tooltipText="Full digest copied"
            aria-label={
              environment
                ? `Copy the full digest running in ${environment}`
                : 'Copy the full digest'
            }
          />
        </span>
      )}
    </span>
  );
}
