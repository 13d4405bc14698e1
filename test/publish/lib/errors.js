'use strict';
// The one error class of the packaging tests: a string `code` to branch on and
// a message that says what to do.

class PublishTestError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = 'PublishTestError';
    this.code = code;
  }
}

module.exports = { PublishTestError };
