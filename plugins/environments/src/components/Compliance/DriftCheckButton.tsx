import Button from '@material-ui/core/Button';
import TrackChangesIcon from '@material-ui/icons/TrackChanges';

/** Runs CloudFormation drift detection on the service's stacks now. */
export function DriftCheckButton(props: {
  checking: boolean;
  onClick: () => void;
}) {
  return (
    <Button
      variant="outlined"
      size="small"
      startIcon={<TrackChangesIcon />}
      disabled={props.checking}
      onClick={props.onClick}
    >
      {props.checking ? 'Checking drift…' : 'Check CloudFormation drift'}
    </Button>
  );
}
