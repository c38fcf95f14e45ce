import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  ComplianceSummary,
  EnvironmentDefinition,
  FleetServiceSummary,
} from '@internal/backstage-plugin-environments-common';
import Typography from '@material-ui/core/Typography';
import { alpha, makeStyles } from '@material-ui/core/styles';
import { CSSProperties, forwardRef, HTMLAttributes } from 'react';
import { FixedSizeList, ListChildComponentProps } from 'react-window';
import { severityCounts } from '../Compliance';
import { DigestCueList, ShortDigest, digestCues } from '../DigestCues';
import { displayRef } from './refs';

/** Height of one service row, in pixels; fixed so that only the rows in view are rendered. */
export const FLEET_ROW_HEIGHT = 64;
/** At most this many rows are visible at once; the rest scroll. */
const VISIBLE_ROWS = 10;

type FleetCell = FleetServiceSummary['environments'][number];

const useStyles = makeStyles(theme => ({
  row: {
    display: 'grid',
    alignItems: 'center',
    columnGap: theme.spacing(2),
    padding: theme.spacing(0, 2),
    borderBottom: `1px solid ${theme.palette.divider}`,
    boxSizing: 'border-box',
  },
  header: {
    fontWeight: theme.typography.fontWeightBold as number,
    minHeight: 48,
    backgroundColor: theme.palette.background.default,
  },
  cell: {
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    minWidth: 0,
  },
  envCell: {
    overflow: 'hidden',
    minWidth: 0,
    padding: theme.spacing(0.5),
    borderRadius: theme.shape.borderRadius,
  },
  pending: {
    backgroundColor: alpha(theme.palette.info.main, 0.12),
  },
}));

function gridTemplate(environmentCount: number): string {
  return `minmax(12rem, 2fr) minmax(6rem, 1fr) minmax(6rem, 1fr) repeat(${environmentCount}, minmax(9rem, 1.5fr)) minmax(8rem, 1fr)`;
}

function EnvironmentCell(props: { cell?: FleetCell }) {
  const classes = useStyles();
  const { cell } = props;
  if (!cell || cell.status === 'missing') {
    return (
      <div role="cell" className={classes.envCell}>
        <StatusAborted>not found</StatusAborted>
      </div>
    );
  }
  return (
    <div
      role="cell"
      className={`${classes.envCell} ${
        cell.comparison?.promotionPending ? classes.pending : ''
      }`}
    >
      {cell.digest ? (
        <ShortDigest digest={cell.digest} copyable={false} />
      ) : (
        <Typography variant="body2" color="textSecondary" component="span">
          {cell.status === 'unknown' ? 'not collected' : 'unknown digest'}
        </Typography>
      )}
      {cell.stale && <StatusWarning>stale</StatusWarning>}
      <DigestCueList cues={digestCues(cell.comparison)} inline />
    </div>
  );
}

/** The error and warning counts of a service's findings. */
function FindingsCell(props: { summary?: ComplianceSummary }) {
  const classes = useStyles();
  const { summary } = props;
  let content;
  if (!summary) {
    content = (
      <Typography variant="body2" color="textSecondary" component="span">
        —
      </Typography>
    );
  } else if (summary.bySeverity.error > 0) {
    content = <StatusError>{severityCounts(summary)}</StatusError>;
  } else if (summary.bySeverity.warning > 0) {
    content = <StatusWarning>{severityCounts(summary)}</StatusWarning>;
  } else {
    content = <StatusOK>none</StatusOK>;
  }
  return (
    <div role="cell" className={classes.cell}>
      {content}
    </div>
  );
}

interface RowData {
  items: FleetServiceSummary[];
  environments: EnvironmentDefinition[];
  compliance?: Map<string, ComplianceSummary>;
  template: string;
}

function FleetRow(props: ListChildComponentProps<RowData>) {
  const classes = useStyles();
  const { index, style, data } = props;
  const item = data.items[index];
  const cells = new Map(item.environments.map(e => [e.environment, e]));
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={classes.row}
      style={{ ...style, gridTemplateColumns: data.template } as CSSProperties}
    >
      <div role="cell" className={classes.cell}>
        <EntityRefLink entityRef={item.entityRef} title={item.title} />
      </div>
      <div role="cell" className={classes.cell}>
        {displayRef(item.owner)}
      </div>
      <div role="cell" className={classes.cell}>
        {displayRef(item.system)}
      </div>
      {data.environments.map(environment => (
        <EnvironmentCell
          key={environment.name}
          cell={cells.get(environment.name)}
        />
      ))}
      <FindingsCell summary={data.compliance?.get(item.entityRef)} />
    </div>
  );
}

const RowGroup = forwardRef<HTMLDivElement, HTMLAttributes<HTMLDivElement>>(
  (props, ref) => <div ref={ref} role="rowgroup" {...props} />,
);

/**
 * Every service × environment. Rows are virtualised: only those in view (plus a few) are in the DOM,
 * so thousands of services scroll smoothly.
 */
export function FleetTable(props: {
  items: FleetServiceSummary[];
  environments: EnvironmentDefinition[];
  /** Compliance summaries by entity ref; a service without one shows no counts. */
  compliance?: Map<string, ComplianceSummary>;
}) {
  const { items, environments, compliance } = props;
  const classes = useStyles();
  const template = gridTemplate(environments.length);
  return (
    <div
      role="table"
      aria-label="Fleet"
      aria-rowcount={items.length + 1}
      style={{ overflowX: 'auto' }}
    >
      <div
        role="row"
        aria-rowindex={1}
        className={`${classes.row} ${classes.header}`}
        style={{ gridTemplateColumns: template }}
      >
        <div role="columnheader">Service</div>
        <div role="columnheader">Owner</div>
        <div role="columnheader">System</div>
        {environments.map(environment => (
          <div role="columnheader" key={environment.name}>
            {environment.title}
          </div>
        ))}
        <div role="columnheader">Findings</div>
      </div>
      <FixedSizeList<RowData>
        height={Math.min(items.length, VISIBLE_ROWS) * FLEET_ROW_HEIGHT}
        width="100%"
        itemCount={items.length}
        itemSize={FLEET_ROW_HEIGHT}
        itemData={{ items, environments, compliance, template }}
        itemKey={(index, data) => data.items[index].entityRef}
        innerElementType={RowGroup}
        overscanCount={5}
      >
        {FleetRow}
      </FixedSizeList>
    </div>
  );
}
