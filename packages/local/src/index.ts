export {
  alive,
  treeAlive,
  killTree,
  stopTree,
  runProcessTree,
  interpreterOf,
  type EndReason,
  type Ended,
  type ProcessSpec,
} from './process-tree.js';
export {
  extractArchive,
  fileSha256,
  listFiles,
  packDir,
  SOURCE_EXCLUDES,
  treeDigest,
  type PackResult,
} from './archive.js';
export * from './endpoint/metrics.js';
export {
  applyRouterConfig,
  checkEndpointName,
  DEFAULT_ENDPOINTS_DIR,
  endpointMetrics,
  endpointsRoot,
  endpointPaths,
  endpointStatus,
  freePort,
  httpCall,
  readEndpointState,
  routerCommand,
  routerConfigOf,
  startRouterProcess,
  startServer,
  stopEndpoint,
  tailOf,
  updateEndpointWeights,
  withEndpointLock,
  writeEndpointState,
  type EndpointState,
  type EndpointStatus,
  type HttpAnswer,
  type ProcessStatus,
  type ServeSpec,
  type VariantState,
} from './endpoint/endpoint.js';
export {
  ADMIN_PREFIX,
  startRouter,
  type RouterConfig,
  type RouterHandle,
  type RouterVariant,
} from './endpoint/router.js';
export {
  quantile,
  runTraffic,
  type TrafficOptions,
  type TrafficReport,
  type VariantFigures,
} from './endpoint/traffic.js';
export { LOCAL_TRAINING_DIR, localArtefactPath } from './artefact.js';
