// socialops web workspace: small progressive enhancements only (every page works without it).
"use strict";
