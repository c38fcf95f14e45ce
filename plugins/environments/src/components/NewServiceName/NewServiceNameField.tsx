import { ApiHolder, fetchApiRef } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';

// The theme's error red is under 4.5:1 on white in the label's and the help's small text; the darker
// shade of the same red is not.
const useStyles = makeStyles(theme => ({
  text: {
    '&.Mui-error': { color: theme.palette.error.dark },
  },
}));

/** The name of the field extension, as templates write it: `ui:field: NewServiceName`. */
export const NEW_SERVICE_NAME_FIELD = 'NewServiceName';

/** The text box of a new service's name (the component token); the checks are in {@link validateNewServiceName}. */
export function NewServiceNameField(
  props: FieldExtensionComponentProps<string>,
) {
  const { onChange, rawErrors, required, formData, schema, idSchema } = props;
  const classes = useStyles();
  return (
    <TextField
      id={idSchema?.$id}
      label={schema.title ?? 'Name'}
      helperText={schema.description}
      required={required}
      value={formData ?? ''}
      onChange={event => onChange(event.target.value)}
      error={(rawErrors?.length ?? 0) > 0}
      margin="normal"
      fullWidth
      inputProps={{ autoComplete: 'off', spellCheck: false }}
      InputLabelProps={{ className: classes.text }}
      FormHelperTextProps={{ className: classes.text }}
    />
  );
}

type Problem = { field: string; message: string };

/**
 * Asks the Environments backend to plan the new service (`POST /provisions` with `dryRun`, which changes
 * nothing) and shows every problem it finds on this field: a name that breaks the naming convention, a
 * service or AWS resource that already has the name, an owner that is not a team. Runs when the step is
 * submitted, once the other fields of the request are filled in; the actions check again server-side.
 */
export async function validateNewServiceName(
  component: string,
  validation: { addError(message: string): void },
  context: { apiHolder: ApiHolder; formData: Record<string, unknown> },
): Promise<void> {
  const { project, owner, costCenter, system } = context.formData as Record<
    string,
    string | undefined
  >;
  if (!component || !project || !owner || !costCenter) {
    return;
  }
  const fetchApi = context.apiHolder.get(fetchApiRef);
  if (!fetchApi) return;
  const response = await fetchApi.fetch('plugin://environments/provisions', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      project,
      component,
      owner,
      costCenter,
      system: system || undefined,
      dryRun: true,
    }),
  });
  if (!response.ok) {
    const error = await ResponseError.fromResponse(response);
    validation.addError(
      `The name could not be checked: ${error.body.error.message}`,
    );
    return;
  }
  const { problems } = (await response.json()) as { problems: Problem[] };
  for (const problem of problems) {
    validation.addError(problem.message);
  }
}
