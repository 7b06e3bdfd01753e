module.exports = require("inherits");
