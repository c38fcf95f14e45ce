import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ArrowUpwardIcon from '@material-ui/icons/ArrowUpward';
import { DigestCue } from './cues';
import { StatusWarning } from '../Status';

const useStyles = makeStyles(theme => ({
  list: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  },
  inline: {
    flexDirection: 'row',
    flexWrap: 'wrap',
  },
  same: {
    color: theme.palette.text.secondary,
  },
  pending: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    alignSelf: 'flex-start',
    padding: theme.spacing(0.25, 1),
    borderRadius: theme.shape.borderRadius,
    // White on the darker blue: 4.6:1, where the main blue gives 3.1:1.
    backgroundColor: theme.palette.info.dark,
    color: theme.palette.common.white,
    fontWeight: theme.typography.fontWeightBold as number,
  },
}));

/** The cues of one environment, each readable at a glance and explained on hover. */
export function DigestCueList(props: { cues: DigestCue[]; inline?: boolean }) {
  const classes = useStyles();
  if (props.cues.length === 0) {
    return null;
  }
  return (
    <span
      className={
        props.inline ? `${classes.list} ${classes.inline}` : classes.list
      }
    >
      {props.cues.map(cue => (
        <Tooltip key={cue.kind} title={cue.description}>
          <span>
            {cue.kind === 'same-as-previous' && (
              <Typography variant="caption" className={classes.same}>
                {cue.label}
              </Typography>
            )}
            {cue.kind === 'promotion-pending' && (
              <Typography variant="caption" className={classes.pending}>
                <ArrowUpwardIcon fontSize="inherit" />
                {cue.label}
              </Typography>
            )}
            {cue.kind === 'unpromoted-artifact' && (
              <StatusWarning>
                <Typography variant="caption">{cue.label}</Typography>
              </StatusWarning>
            )}
          </span>
        </Tooltip>
      ))}
    </span>
  );
}
