export { BackendErrorPanel, backendMessage } from './BackendErrorPanel';
