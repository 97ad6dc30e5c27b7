// The baseline: a correct legacy stdio server.
import { serve } from './mini-server.mjs';

serve();
