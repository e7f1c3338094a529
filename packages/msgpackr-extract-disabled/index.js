'use strict';
// msgpackr wraps require('msgpackr-extract') in try/catch and uses its pure-JS path when it throws.
throw new Error('msgpackr-extract native acceleration is disabled in this build');
