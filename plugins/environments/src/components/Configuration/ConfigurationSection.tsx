import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  SettingCell,
  SettingLocation,
  SettingsMatrix,
} from '@internal/backstage-plugin-environments-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';
import { BackendErrorPanel } from '../BackendErrorPanel';
import { displayRef } from '../FleetPage/refs';

const useStyles = makeStyles(theme => ({
  table: { tableLayout: 'fixed' },
  name: { width: '14rem', overflowWrap: 'anywhere' },
  cell: { verticalAlign: 'top', overflowWrap: 'anywhere' },
  broken: { backgroundColor: theme.palette.errorBackground },
  value: { fontFamily: 'monospace', fontSize: '0.8rem' },
}));

const SOURCE_LABELS: Record<SettingLocation['source'], string> = {
  'lambda-variable': 'variable',
  parameter: 'parameter',
  secret: 'secret',
};

/** Whether a cell breaks what the rules want there (a variable missing or forbidden, a flag off-plan). */
function breaksRule(cell: SettingCell, kind: 'variable' | 'flag'): boolean {
  if (kind === 'flag') {
    const on = cell.locations.some(l =>
      /^(true|1|on|yes|enabled)$/i.test(l.value ?? ''),
    );
    return cell.expected !== undefined && (cell.expected === 'on') !== on;
  }
  return (
    (cell.expected === 'required' && !cell.present) ||
    (cell.expected === 'forbidden' && cell.present)
  );
}

function LocationLine(props: { location: SettingLocation }) {
  const { location } = props;
  const classes = useStyles();
  return (
    <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 4 }}>
      <Tooltip title={location.location}>
        <Chip size="small" label={SOURCE_LABELS[location.source]} />
      </Tooltip>
      <span className={classes.value}>
        {location.secret ? '(secret, not read)' : location.value}
      </span>
    </Box>
  );
}

function MatrixTable(props: { matrix: SettingsMatrix }) {
  const { matrix } = props;
  const classes = useStyles();
  return (
    <Table
      size="small"
      className={classes.table}
      aria-label={`Configuration of ${displayRef(matrix.entityRef)}`}
    >
      <TableHead>
        <TableRow>
          <TableCell className={classes.name}>Variable or flag</TableCell>
          {matrix.environments.map(e => (
            <TableCell key={e.environment}>
              {e.environment}
              {e.gate === 'block' ? ' (blocks promotions)' : ''}
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {matrix.rows.map(row => (
          <TableRow key={`${row.kind}:${row.name}`}>
            <TableCell className={classes.name}>
              <Tooltip
                title={row.declaredAt.join(', ') || 'No rule: found only'}
              >
                <span>
                  {row.name}
                  {row.kind === 'flag' ? ' (flag)' : ''}
                </span>
              </Tooltip>
            </TableCell>
            {row.cells.map(cell => {
              const runs = matrix.environments.find(
                e => e.environment === cell.environment,
              )?.runs;
              const broken = runs && breaksRule(cell, row.kind);
              // On the tinted background of a broken cell, secondary text falls under 4.5:1 contrast.
              const note = broken ? 'textPrimary' : 'textSecondary';
              return (
                <TableCell
                  key={cell.environment}
                  className={`${classes.cell} ${broken ? classes.broken : ''}`}
                  aria-label={`${row.name} in ${cell.environment}`}
                >
                  {cell.locations.map(l => (
                    <LocationLine
                      key={`${l.source}:${l.location}`}
                      location={l}
                    />
                  ))}
                  {!cell.present && (
                    <Typography variant="body2" color={note}>
                      absent
                    </Typography>
                  )}
                  {cell.expected && (
                    <Typography variant="caption" color={note}>
                      {row.kind === 'flag'
                        ? `plan: ${cell.expected}`
                        : cell.expected}
                    </Typography>
                  )}
                </TableCell>
              );
            })}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * The Environments tab's "Configuration" section: each variable, parameter, secret and flag of the
 * service × environment, where it comes from, its value where it is not secret, and what breaks the rules.
 */
export function ConfigurationSection(props: {
  entityRef: string;
  reloads?: number;
}) {
  const { entityRef, reloads } = props;
  const api = useApi(environmentsApiRef);
  const { error, value } = useAsync(
    () => api.getSettingsMatrix(parseEntityRef(entityRef)),
    [api, entityRef, reloads],
  );
  let content: React.ReactNode;
  if (error) {
    content = (
      <BackendErrorPanel
        error={error}
        action="Could not load the configuration"
      />
    );
  } else if (!value) {
    content = <Progress />;
  } else if (value.rows.length === 0) {
    content = (
      <Typography variant="body2" color="textSecondary">
        No variables, parameters, secrets or flags found, and no rule names any.
      </Typography>
    );
  } else {
    content = (
      <>
        <MatrixTable matrix={value} />
        {value.findings.length > 0 && (
          <Box mt={2}>
            <Typography variant="subtitle2" component="h4">
              What breaks the rules
            </Typography>
            <ul
              aria-label={`Configuration findings of ${displayRef(entityRef)}`}
            >
              {value.findings.map(f => (
                <li key={`${f.environment}:${f.rule}:${f.subject}`}>
                  <Typography variant="body2">
                    <strong>{f.environment}</strong> ({f.severity}): {f.message}
                  </Typography>
                </li>
              ))}
            </ul>
          </Box>
        )}
      </>
    );
  }
  return (
    <Box component="section" p={2} aria-labelledby="configuration-heading">
      <Typography variant="h6" component="h3" id="configuration-heading">
        Configuration
      </Typography>
      {content}
    </Box>
  );
}
