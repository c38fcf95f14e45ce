import { EmptyState } from '@backstage/core-components';
import { EnvironmentState } from '@internal/backstage-plugin-environments-common';
import Typography from '@material-ui/core/Typography';
import { ReactElement } from 'react';
import { SearchedFor } from './SearchedFor';

/** Says that a service runs nowhere, and where the collector looked in every environment. */
export function NotFoundAnywhere(props: {
  name: string;
  states: EnvironmentState[];
  titles: Map<string, string>;
  action?: ReactElement;
}) {
  const { name, states, titles, action } = props;
  return (
    <EmptyState
      missing="info"
      title={`${name} was not found in any environment`}
      // EmptyState puts the description in a paragraph: the list goes with the action, in a block.
      description="No Lambda function was found for this service. The collector looked for:"
      action={
        <>
          <ul>
            {states.map(state => (
              <li key={state.environment}>
                <Typography variant="body2" component="span">
                  <strong>
                    {titles.get(state.environment) ?? state.environment}
                  </strong>
                  : <SearchedFor search={state.searched} />
                </Typography>
              </li>
            ))}
          </ul>
          {action}
        </>
      }
    />
  );
}
