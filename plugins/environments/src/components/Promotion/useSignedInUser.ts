import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { SignedInUser } from './approvalRights';

/** The signed-in user's ref and the refs they count as; undefined while loading. */
export function useSignedInUser(): SignedInUser | undefined {
  const identityApi = useApi(identityApiRef);
  const { value } = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );
  return value;
}
