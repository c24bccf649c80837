// Public API of @sluice/admin.
export { createAdminServer } from './admin-server';
export type { AdminServer, AdminServerDeps } from './admin-server';
export { CONNECTOR_PORT_ERROR_CODES } from './connector-port';
export type {
  ConnectorPort,
  ConnectorPortErrorCode,
  PortAccountingTransfer,
  PortAsset,
  PortPeer,
  PortPeerHttp,
  PortPage,
  PortPagination,
} from './connector-port';
export { signAdminRequest } from './auth/api-signature';
