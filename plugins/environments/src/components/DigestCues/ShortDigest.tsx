import { CopyTextButton, Link } from '@backstage/core-components';
import { shortDigest } from '@internal/backstage-plugin-environments-common';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import { ecrConsoleUrl } from './ecrConsoleUrl';

const useStyles = makeStyles({
  root: {
    display: 'inline-flex',
    alignItems: 'center',
    whiteSpace: 'nowrap',
  },
  digest: {
    fontFamily: 'monospace',
  },
});

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
          <Link to={href} aria-label={`Image ${digest} in ECR`}>
            {text}
          </Link>
        ) : (
          text
        )}
      </Tooltip>
      {copyable && (
        <CopyTextButton
          text={digest}
          aria-label={
            environment
              ? `Copy the full digest running in ${environment}`
              : 'Copy the full digest'
          }
        />
      )}
    </span>
  );
}
