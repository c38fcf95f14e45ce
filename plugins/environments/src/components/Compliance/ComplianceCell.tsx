import {
  FINDING_SEVERITIES,
  FindingSeverity,
  findingKey,
} from '@internal/backstage-plugin-environments-common';
import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode, useState } from 'react';
import { ServiceFinding, ServiceFindings, StackDriftCheck } from '../../api';
import { RelativeTime } from '../DigestCues';
import { KIND_LABELS } from './kinds';
import { StatusAborted, StatusError, StatusOK, StatusWarning } from '../Status';

const useStyles = makeStyles(theme => ({
  list: {
    margin: theme.spacing(0.5, 0, 0),
    paddingLeft: theme.spacing(2),
  },
  item: {
    marginBottom: theme.spacing(0.5),
  },
}));

function Quiet(props: { children: ReactNode }) {
  return (
    <Typography
      variant="caption"
      color="textSecondary"
      display="block"
      component="span"
    >
      {props.children}
    </Typography>
  );
}

function SeverityStatus(props: {
  severity?: FindingSeverity;
  children?: ReactNode;
}) {
  switch (props.severity) {
    case 'error':
      return <StatusError>{props.children}</StatusError>;
    case 'warning':
      return <StatusWarning>{props.children}</StatusWarning>;
    default:
      return <StatusOK>{props.children}</StatusOK>;
  }
}

/** The count of an environment's findings; a click folds out the list. */
function FindingList(props: { items: ServiceFinding[] }) {
  const classes = useStyles();
  const { items } = props;
  const [open, setOpen] = useState(false);
  const worst = FINDING_SEVERITIES.find(severity =>
    items.some(f => f.severity === severity),
  );
  const kinds = [...new Set(items.map(f => KIND_LABELS[f.kind]))];
  return (
    <>
      {/* The worst severity's icon on the same line as the button (our Status lines stay readable). */}
      <Typography variant="body2" component="span" display="block">
        <SeverityStatus severity={worst}>
          <Link
            component="button"
            variant="body2"
            aria-expanded={open}
            onClick={() => setOpen(!open)}
          >
            {items.length} {items.length === 1 ? 'finding' : 'findings'}
          </Link>
        </SeverityStatus>
      </Typography>
      {open ? (
        <ul className={classes.list}>
          {items.map(f => (
            <li key={findingKey(f)} className={classes.item}>
              <Typography variant="body2" component="span">
                <SeverityStatus severity={f.severity}>
                  {f.severity}, {KIND_LABELS[f.kind]}
                </SeverityStatus>{' '}
                {f.message}
              </Typography>
              <Quiet>
                <RelativeTime value={f.since} prefix="since" />
              </Quiet>
            </li>
          ))}
        </ul>
      ) : (
        <Quiet>{kinds.join(', ')}</Quiet>
      )}
    </>
  );
}

/** What the last CloudFormation drift detection of one stack said, or why it did not run. */
function StackDriftLine(props: { check: StackDriftCheck; named: boolean }) {
  const { check, named } = props;
  const where = named ? ` (${check.stackName})` : '';
  let status: ReactNode;
  if (check.status === 'not-checked') {
    status = (
      <StatusAborted>
        CloudFormation drift not checked{where}: {check.reason}
      </StatusAborted>
    );
  } else if (check.status === 'failed') {
    status = (
      <StatusWarning>
        CloudFormation drift check failed{where}: {check.reason}
      </StatusWarning>
    );
  } else if (check.stackDriftStatus === 'IN_SYNC') {
    status = <StatusOK>CloudFormation: in sync{where}</StatusOK>;
  } else if (check.stackDriftStatus === 'DRIFTED') {
    const count = check.driftedResources ?? 0;
    status = (
      <StatusError>
        CloudFormation: {count} {count === 1 ? 'resource' : 'resources'} drifted
        {where}
      </StatusError>
    );
  } else {
    status = (
      <StatusWarning>
        CloudFormation: {check.stackDriftStatus ?? 'unknown'}
        {where}
      </StatusWarning>
    );
  }
  return (
    <Typography variant="body2" component="span" display="block">
      {status}
      {check.checkedAt && (
        <Quiet>
          <RelativeTime value={check.checkedAt} prefix="drift checked" />
        </Quiet>
      )}
    </Typography>
  );
}

/**
 * The "Drift and compliance" cell of one environment: how many findings (a click lists them: kind,
 * severity, message, since when) and the CloudFormation drift check of its stacks.
 */
export function ComplianceCell(props: {
  environment: string;
  findings: ServiceFindings;
  /** Whether a function of the service in this environment sits in a CloudFormation stack. */
  hasStack: boolean;
}) {
  const { environment, findings, hasStack } = props;
  if (!findings.summary.evaluatedAt) {
    return <Quiet>not evaluated yet</Quiet>;
  }
  const items = findings.items.filter(f => f.environment === environment);
  const stacks = findings.stacks.filter(s => s.environment === environment);
  return (
    <>
      {items.length === 0 ? (
        <StatusOK>no findings</StatusOK>
      ) : (
        <FindingList items={items} />
      )}
      {stacks.map(check => (
        <StackDriftLine
          key={`${check.accountId}/${check.region}/${check.stackName}`}
          check={check}
          named={stacks.length > 1}
        />
      ))}
      {stacks.length === 0 && hasStack && (
        <Quiet>CloudFormation drift not checked yet</Quiet>
      )}
    </>
  );
}
