import Card from '@material-ui/core/Card';
import CardActionArea from '@material-ui/core/CardActionArea';
import Typography from '@material-ui/core/Typography';
import { alpha, makeStyles } from '@material-ui/core/styles';
import {
  FLEET_STATES,
  FleetCounts,
  FleetFilters,
  FleetState,
} from './fleetFilters';

type Accent = 'info' | 'warning' | 'error';

const useStyles = makeStyles(theme => ({
  tiles: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(10rem, 1fr))',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  tile: {
    borderLeft: `4px solid ${theme.palette.divider}`,
  },
  // Only the colour of the edge says how urgent a state is; the words say what it is.
  info: { borderLeftColor: theme.palette.info.dark },
  warning: { borderLeftColor: theme.palette.warning.main },
  error: { borderLeftColor: theme.palette.error.main },
  pressed: {
    outline: `2px solid ${theme.palette.primary.main}`,
    outlineOffset: -2,
    backgroundColor: alpha(theme.palette.primary.main, 0.08),
  },
  area: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
    height: '100%',
    padding: theme.spacing(1.5, 2),
  },
  count: {
    fontWeight: theme.typography.fontWeightBold as number,
    lineHeight: 1.2,
  },
}));

interface TileDefinition {
  /** The state the tile narrows the fleet to; none for the tile of all services. */
  state?: FleetState;
  label: string;
  accent?: Accent;
}

const TILES: TileDefinition[] = [
  { label: 'Services' },
  { state: 'needsPromotion', label: 'Need promotion', accent: 'info' },
  {
    state: 'unpromotedArtifact',
    label: 'Unpromoted artifacts',
    accent: 'warning',
  },
  { state: 'nonCompliant', label: 'Non-compliant', accent: 'error' },
  { state: 'stale', label: 'Stale', accent: 'warning' },
];

function Tile(props: {
  count?: number;
  label: string;
  accent?: Accent;
  pressed: boolean;
  unavailable?: string;
  onToggle: () => void;
}) {
  const classes = useStyles();
  const { count, label, accent, pressed, unavailable, onToggle } = props;
  const edge = accent && count ? classes[accent] : '';
  return (
    // The reason is on the card: a disabled button takes no pointer events, so it would show no title.
    <Card
      variant="outlined"
      className={`${classes.tile} ${edge} ${pressed ? classes.pressed : ''}`}
      title={unavailable}
    >
      <CardActionArea
        className={classes.area}
        aria-pressed={pressed}
        disabled={count === undefined}
        onClick={onToggle}
      >
        <Typography variant="h4" component="span" className={classes.count}>
          {count ?? '–'}
        </Typography>{' '}
        <Typography variant="body2" component="span">
          {label}
        </Typography>
      </CardActionArea>
    </Card>
  );
}

/**
 * The fleet in five numbers, each a toggle button: a state's tile narrows the rows to the services in
 * that state (several together: those in all of them), the Services tile shows every service again.
 */
export function FleetSummaryTiles(props: {
  counts: FleetCounts;
  filters: FleetFilters;
  /** Why the compliance counts are missing, when they are. */
  complianceUnavailable?: string;
  onChange: (filters: FleetFilters) => void;
}) {
  const classes = useStyles();
  const { counts, filters, complianceUnavailable, onChange } = props;
  const anyState = FLEET_STATES.some(state => filters[state]);
  const showAll = () => {
    const next = { ...filters };
    for (const state of FLEET_STATES) next[state] = false;
    onChange(next);
  };
  return (
    <div role="group" aria-label="Fleet summary" className={classes.tiles}>
      {TILES.map(({ state, label, accent }) => (
        <Tile
          key={label}
          label={label}
          accent={accent}
          count={state ? counts[state] : counts.services}
          pressed={state ? filters[state] : !anyState}
          unavailable={
            state === 'nonCompliant' && counts.nonCompliant === undefined
              ? complianceUnavailable
              : undefined
          }
          onToggle={
            state
              ? () => onChange({ ...filters, [state]: !filters[state] })
              : showAll
          }
        />
      ))}
    </div>
  );
}
