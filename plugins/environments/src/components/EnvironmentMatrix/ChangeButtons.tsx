import {
  EnvironmentState,
  promotionRequestPermission,
  rollbackPermission,
} from '@internal/backstage-plugin-environments-common';
import Box from '@material-ui/core/Box';
import { useState } from 'react';
import { PromoteDialog } from '../Promotion';
import { RollbackDialog } from '../Rollback';
import { ExplainedButton, useServicePermission } from '../ServicePermission';

/**
 * An environment's change actions: "Promote to <env>" (every environment after the first, from the one
 * before it) and "Roll back". They stay disabled, saying why, for users the permission framework refuses;
 * the backend still decides, and its refusal is shown in the dialog.
 */
export function ChangeButtons(props: {
  entityRef: string;
  state: EnvironmentState;
  previous?: EnvironmentState;
  title: string;
  /** The service's owner (entity ref or name): who approves unless the environment names approvers. */
  owner?: string;
  /** Called when a dialog that changed something closes, so the matrix can be read again. */
  onChanged?: () => void;
}) {
  const { entityRef, state, previous, title, owner, onChanged } = props;
  const [dialog, setDialog] = useState<'promote' | 'rollback'>();
  const mayRequest = useServicePermission(
    promotionRequestPermission,
    entityRef,
    'request promotions of',
  );
  const mayRollBack = useServicePermission(
    rollbackPermission,
    entityRef,
    'roll back',
  );
  const canPromote =
    previous?.status === 'ok' &&
    !!previous.digest &&
    previous.digest !== state.digest;
  return (
    <Box
      display="flex"
      flexDirection="column"
      alignItems="flex-start"
      style={{ gap: 4 }}
    >
      {previous && (
        <ExplainedButton
          size="small"
          variant="outlined"
          color="primary"
          disabled={!mayRequest.allowed}
          disabledReason={
            canPromote
              ? mayRequest.deniedReason
              : `${previous.environment} runs nothing newer to promote`
          }
          onClick={() => setDialog('promote')}
        >
          Promote to {state.environment}
        </ExplainedButton>
      )}
      {state.status === 'ok' && (
        <ExplainedButton
          size="small"
          variant="outlined"
          disabled={!mayRollBack.allowed}
          disabledReason={mayRollBack.deniedReason}
          onClick={() => setDialog('rollback')}
        >
          Roll back
        </ExplainedButton>
      )}
      {dialog === 'promote' && previous && (
        <PromoteDialog
          open
          entityRef={entityRef}
          source={previous}
          target={state}
          targetTitle={title}
          owner={owner}
          onClose={changed => {
            setDialog(undefined);
            if (changed) {
              onChanged?.();
            }
          }}
        />
      )}
      {dialog === 'rollback' && (
        <RollbackDialog
          open
          entityRef={entityRef}
          environment={state.environment}
          environmentTitle={title}
          onClose={changed => {
            setDialog(undefined);
            if (changed) {
              onChanged?.();
            }
          }}
        />
      )}
    </Box>
  );
}
