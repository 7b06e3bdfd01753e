// Package composer decides which PHP packages installed under a composer
// project's vendor directory are needed only by require-dev.
//
// Sources, in preference order per project root (a directory holding
// composer.json or composer.lock): vendor/composer/installed.json as
// composer 2 writes it (it reflects what is installed and lists
// "dev-package-names"), then composer.lock ("packages" versus
// "packages-dev"; composer puts a package needed by both in "packages").
// Packages neither source mentions, or roots with neither file, are
// classified by walking "require" from the root composer.json through the
// installed packages' composer.json files (require-dev of the root gives
// dev). The same walk overrules a source that calls a package dev-only while
// production requirements reach it.
//
// A package counts as installed when <vendor>/<vendor-name>/<name>/composer.json
// was captured; a lockfile entry for anything else is ignored.
package composer
