import { rootAction } from './root-action.js';

await rootAction('main');
