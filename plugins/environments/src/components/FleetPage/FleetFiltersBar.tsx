import Checkbox from '@material-ui/core/Checkbox';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import { FleetFilters, FleetSort, FleetState } from './fleetFilters';
import { displayRef } from './refs';

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  select: {
    minWidth: 180,
  },
}));

const ALL = '';

function RefSelect(props: {
  id: string;
  label: string;
  value?: string;
  options: string[];
  onChange: (value?: string) => void;
}) {
  const classes = useStyles();
  const { id, label, value, options, onChange } = props;
  // A value from a shared link that no loaded service has is still shown as chosen.
  const choices =
    value && !options.includes(value) ? [value, ...options] : options;
  return (
    <FormControl variant="outlined" size="small" className={classes.select}>
      <InputLabel id={`${id}-label`}>{label}</InputLabel>
      <Select
        labelId={`${id}-label`}
        id={id}
        label={label}
        value={value ?? ALL}
        onChange={e => onChange((e.target.value as string) || undefined)}
      >
        <MenuItem value={ALL}>All</MenuItem>
        {choices.map(option => (
          <MenuItem key={option} value={option}>
            {displayRef(option)}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

/** The compliance states filtered by a checkbox here rather than by a summary tile. */
const CHECKBOX_STATES: Array<{ state: FleetState; label: string }> = [
  { state: 'hasDrift', label: 'Has drift' },
  { state: 'configurationFindings', label: 'Configuration findings' },
];

/**
 * Search, owner, system, drift, configuration findings and sort of the fleet view; the summary tiles above it hold the other
 * states.
 */
export function FleetFiltersBar(props: {
  filters: FleetFilters;
  owners: string[];
  systems: string[];
  /** False while the compliance summaries are not loaded: their filters cannot apply yet. */
  complianceAvailable: boolean;
  onChange: (filters: FleetFilters) => void;
}) {
  const classes = useStyles();
  const { filters, owners, systems, complianceAvailable, onChange } = props;
  return (
    <div className={classes.bar}>
      <TextField
        variant="outlined"
        size="small"
        id="environments-fleet-search"
        label="Search"
        type="search"
        value={filters.search}
        onChange={e => onChange({ ...filters, search: e.target.value })}
      />
      <RefSelect
        id="environments-fleet-owner"
        label="Owner"
        value={filters.owner}
        options={owners}
        onChange={owner => onChange({ ...filters, owner })}
      />
      <RefSelect
        id="environments-fleet-system"
        label="System"
        value={filters.system}
        options={systems}
        onChange={system => onChange({ ...filters, system })}
      />
      {CHECKBOX_STATES.map(({ state, label }) => (
        <FormControlLabel
          key={state}
          disabled={!complianceAvailable}
          control={
            <Checkbox
              color="primary"
              checked={filters[state]}
              onChange={e =>
                onChange({ ...filters, [state]: e.target.checked })
              }
            />
          }
          label={label}
        />
      ))}
      <FormControl variant="outlined" size="small" className={classes.select}>
        <InputLabel id="environments-fleet-sort-label">Sort by</InputLabel>
        <Select
          labelId="environments-fleet-sort-label"
          id="environments-fleet-sort"
          label="Sort by"
          value={filters.sort}
          onChange={e =>
            onChange({ ...filters, sort: e.target.value as FleetSort })
          }
        >
          <MenuItem value="name">Name</MenuItem>
          <MenuItem value="compliance" disabled={!complianceAvailable}>
            Most compliance problems
          </MenuItem>
        </Select>
      </FormControl>
    </div>
  );
}
