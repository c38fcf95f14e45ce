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
import { DigestCueList, ShortDigest, digestCues } from '../DigestCues';
import { displayRef } from './refs';
import { SeverityStatuses } from '../Compliance';
import { StatusAborted, StatusOK, StatusWarning } from '../Status';

/** Height of one service row, in pixels; fixed so that only the rows in view are rendered. */
export const FLEET_ROW_HEIGHT = 72;
/** At most this many rows are visible at once; the rest scroll. */
const VISIBLE_ROWS = 10;

type FleetCell = FleetServiceSummary['environments'][number];

const COLUMN_GAP = 12;
const ROW_PADDING = 12;

const useStyles = makeStyles(theme => ({
  row: {
    display: 'grid',
    alignItems: 'center',
    columnGap: COLUMN_GAP,
    padding: `0 ${ROW_PADDING}px`,
    borderBottom: `1px solid ${theme.palette.divider}`,
    boxSizing: 'border-box',
  },
  header: {
    fontWeight: theme.typography.fontWeightBold as number,
    minHeight: 48,
    backgroundColor: theme.palette.background.default,
  },
  // Names wrap onto a second line rather than lose their end; the full text is on hover.
  cell: {
    minWidth: 0,
    overflow: 'hidden',
    overflowWrap: 'anywhere',
    display: '-webkit-box',
    WebkitLineClamp: 2,
    WebkitBoxOrient: 'vertical',
  },
  findings: {
    minWidth: 0,
    display: 'flex',
    flexDirection: 'column',
  },
  envCell: {
    overflow: 'hidden',
    minWidth: 0,
    padding: theme.spacing(0.5),
    borderRadius: theme.shape.borderRadius,
  },
  // In line with the cells' text, which sits inside their padding.
  envHeader: {
    paddingLeft: theme.spacing(0.5),
  },
  pending: {
    backgroundColor: alpha(theme.palette.info.main, 0.12),
  },
}));

/**
 * The columns: service, owner, system, one per environment, findings; each with the width it needs at
 * least (rem) and its share of the rest. Seven columns fit from 1280 px wide; narrower, the table scrolls.
 */
function columns(environmentCount: number): {
  template: string;
  minWidth: string;
} {
  const tracks: Array<[number, number]> = [
    [8.5, 1.4],
    [7.5, 1],
    [5, 0.7],
    ...Array.from({ length: environmentCount }, (): [number, number] => [
      8.5, 1.2,
    ]),
    [8, 1],
  ];
  const gaps = (tracks.length - 1) * COLUMN_GAP + 2 * ROW_PADDING;
  return {
    template: tracks.map(([min, fr]) => `minmax(${min}rem, ${fr}fr)`).join(' '),
    minWidth: `calc(${tracks.reduce(
      (sum, [min]) => sum + min,
      0,
    )}rem + ${gaps}px)`,
  };
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

/** The error and warning counts of a service's findings, one line each. */
function FindingsCell(props: { summary?: ComplianceSummary }) {
  const classes = useStyles();
  const { summary } = props;
  const { error = 0, warning = 0 } = summary?.bySeverity ?? {};
  let content;
  if (!summary) {
    content = (
      <Typography variant="body2" color="textSecondary" component="span">
        —
      </Typography>
    );
  } else if (error + warning === 0) {
    content = <StatusOK>none</StatusOK>;
  } else {
    // A flex column: one line each, so that a narrow column does not cut them off.
    content = <SeverityStatuses error={error} warning={warning} />;
  }
  return (
    <div role="cell" className={classes.findings}>
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
      <div role="cell" className={classes.cell} title={item.owner}>
        {displayRef(item.owner)}
      </div>
      <div role="cell" className={classes.cell} title={item.system}>
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
  const { template, minWidth } = columns(environments.length);
  // Narrower than the columns need, the header and the rows scroll sideways together.
  return (
    <div style={{ overflowX: 'auto' }}>
      <div
        role="table"
        aria-label="Fleet"
        aria-rowcount={items.length + 1}
        style={{ minWidth }}
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
            <div
              role="columnheader"
              key={environment.name}
              className={classes.envHeader}
            >
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
    </div>
  );
}
