import { createDevApp } from '@backstage/dev-utils';
import { environmentsPlugin, EnvironmentsFleetPage } from '../src/plugin';

createDevApp()
  .registerPlugin(environmentsPlugin)
  .addPage({
    element: <EnvironmentsFleetPage />,
    title: 'Environments',
    path: '/environments',
  })
  .render();
