/** The built web UI (back office and portal), served by the same process. */
export { isWebUiRequest, registerWebUi } from './static.js';
