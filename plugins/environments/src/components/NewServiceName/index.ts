import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import {
  NEW_SERVICE_NAME_FIELD,
  NewServiceNameField,
  validateNewServiceName,
} from './NewServiceNameField';

export { NEW_SERVICE_NAME_FIELD, NewServiceNameField, validateNewServiceName };

/** The `NewServiceName` form field of the new frontend system. */
export const newServiceNameFormField = createFormField({
  name: NEW_SERVICE_NAME_FIELD,
  component: NewServiceNameField,
  validation: validateNewServiceName,
});
