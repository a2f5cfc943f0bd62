'use strict';

// The project's own lint rules, loaded by eslint.config.mjs as the `local` plugin.
module.exports = {
  meta: { name: 'local' },
  rules: {
    'no-raw-data-access': require('./no-raw-data-access'),
  },
};
