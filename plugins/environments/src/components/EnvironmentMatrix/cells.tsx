import {
  EnvironmentState,
  FunctionResource,
  primaryFunction,
} from '@internal/backstage-plugin-environments-common';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import {
  DigestCueList,
  FreshnessNote,
  RelativeTime,
  ShortDigest,
  digestCues,
} from '../DigestCues';
import { SearchedFor } from './SearchedFor';
import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '../Status';

function Quiet(props: { children: ReactNode }) {
  return (
    <Typography variant="body2" color="textSecondary" component="span">
      {props.children}
    </Typography>
  );
}

/** One row of the matrix: a label and how to show it for one environment. */
export interface MatrixRow {
  label: string;
  render: (state: EnvironmentState) => ReactNode;
}

function withPrimary(
  render: (fn: FunctionResource) => ReactNode,
): (state: EnvironmentState) => ReactNode {
  return state => {
    const fn = primaryFunction(state);
    return fn ? render(fn) : <Quiet>—</Quiet>;
  };
}

function DigestCell(props: { state: EnvironmentState }) {
  const { state } = props;
  const cues = digestCues(state.comparison);
  let digest: ReactNode;
  if (state.status === 'missing') {
    digest = <StatusAborted>not found</StatusAborted>;
  } else if (state.status === 'unknown') {
    digest = <Quiet>not collected yet</Quiet>;
  } else if (primaryFunction(state)?.liveAlias === null) {
    // Found (by name or tags), but nothing says what runs there yet.
    digest = <StatusWarning>found, no live alias</StatusWarning>;
  } else if (!state.digest) {
    digest = <Quiet>unknown digest</Quiet>;
  } else {
    digest = (
      <ShortDigest
        digest={state.digest}
        imageUri={primaryFunction(state)?.imageUri}
        environment={state.environment}
      />
    );
  }
  return (
    <>
      {digest}
      <DigestCueList cues={cues} />
    </>
  );
}

function StackStatus(props: { status: string }) {
  const { status } = props;
  if (status.endsWith('_FAILED') || status === 'ROLLBACK_COMPLETE') {
    return <StatusError>{status}</StatusError>;
  }
  if (status.endsWith('_IN_PROGRESS')) {
    return <StatusPending>{status}</StatusPending>;
  }
  if (status.includes('ROLLBACK')) {
    return <StatusWarning>{status}</StatusWarning>;
  }
  return <StatusOK>{status}</StatusOK>;
}

/** Why a function's name breaks the convention, by how it was found; undefined when it does not. */
function offConvention(fn: FunctionResource): string | undefined {
  if (fn.expectedName === undefined || fn.expectedName === fn.functionName) {
    return undefined;
  }
  return {
    tags: 'found by tags, named against the convention',
    explicit: 'named by annotation, against the convention',
    convention: 'named against the convention',
  }[fn.discoveredBy];
}

function ResourceList(props: { state: EnvironmentState }) {
  const { state } = props;
  if (state.functions.length === 0) {
    return state.status === 'missing' ? (
      <Quiet>
        none found; looked for <SearchedFor search={state.searched} />
      </Quiet>
    ) : (
      <Quiet>none</Quiet>
    );
  }
  return (
    <>
      {state.functions.map(fn => {
        const against = offConvention(fn);
        return (
          <Typography
            key={fn.functionArn}
            variant="body2"
            component="span"
            display="block"
          >
            <code>{fn.functionName}</code>
            {fn.primary ? '' : ' (not primary)'}
            <Typography
              variant="caption"
              color="textSecondary"
              display="block"
              component="span"
            >
              {fn.accountId}/{fn.region}, found by {fn.discoveredBy}
            </Typography>
            {against && (
              <StatusWarning>
                {against}: expected <code>{fn.expectedName}</code>
              </StatusWarning>
            )}
          </Typography>
        );
      })}
    </>
  );
}

/** The rows of the matrix, top to bottom. */
export const matrixRows: MatrixRow[] = [
  { label: 'Digest', render: state => <DigestCell state={state} /> },
  {
    label: 'Live version',
    render: withPrimary(fn => {
      if (!fn.liveAlias) {
        return <StatusWarning>no live alias</StatusWarning>;
      }
      const shifting = Object.entries(fn.liveAlias.routing ?? {});
      return (
        <>
          version {fn.liveAlias.version}
          {shifting.map(([version, weight]) => (
            <Typography
              key={version}
              variant="caption"
              display="block"
              component="span"
            >
              {Math.round(weight * 100)}% to version {version}
            </Typography>
          ))}
        </>
      );
    }),
  },
  {
    label: 'Deployed',
    render: state =>
      state.deployedAt ? (
        <RelativeTime value={state.deployedAt} />
      ) : (
        <Quiet>—</Quiet>
      ),
  },
  {
    label: 'Memory',
    render: withPrimary(fn =>
      fn.configuration.memorySize === undefined ? (
        <Quiet>unknown</Quiet>
      ) : (
        `${fn.configuration.memorySize} MB`
      ),
    ),
  },
  {
    label: 'Timeout',
    render: withPrimary(fn =>
      fn.configuration.timeout === undefined ? (
        <Quiet>unknown</Quiet>
      ) : (
        `${fn.configuration.timeout} s`
      ),
    ),
  },
  {
    label: 'Reserved concurrency',
    render: withPrimary(fn => {
      const value = fn.configuration.reservedConcurrency;
      if (value === undefined) {
        return <Quiet>unknown</Quiet>;
      }
      return value === null ? 'none reserved' : String(value);
    }),
  },
  {
    label: 'Architecture',
    render: withPrimary(fn => fn.configuration.architectures.join(', ') || '—'),
  },
  {
    label: 'Environment variables',
    render: withPrimary(fn =>
      fn.configuration.environmentVariableNames.length === 0 ? (
        <Quiet>none</Quiet>
      ) : (
        <code>{fn.configuration.environmentVariableNames.join(', ')}</code>
      ),
    ),
  },
  {
    label: 'Stack',
    render: withPrimary(fn =>
      fn.stack ? (
        <>
          <StackStatus status={fn.stack.status} />
          <Typography
            variant="caption"
            color="textSecondary"
            display="block"
            component="span"
          >
            {fn.stack.stackName}
          </Typography>
        </>
      ) : (
        <Quiet>no CloudFormation stack</Quiet>
      ),
    ),
  },
  {
    label: 'Resources found',
    render: state => <ResourceList state={state} />,
  },
  {
    label: 'Freshness',
    render: state => <FreshnessNote freshness={state.freshness} />,
  },
];
