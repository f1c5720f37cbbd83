// Entry of dist/server.js, the server process the VS Code extension starts (Node hosts).
import { startNodeServer } from './node';

startNodeServer();
