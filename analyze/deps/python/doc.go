// Package python decides which Python distributions installed in
// site-packages are needed only as development dependencies, from pipenv's
// Pipfile.lock ("develop" versus "default") and poetry's poetry.lock
// (`category = "dev"` in lock format 1.x, `groups` in 2.1, and for 2.0,
// which records neither, the dependency graph of poetry.lock walked from
// pyproject.toml's main versus other groups).
//
// Installed distributions are found from captured
// <site-packages>/<name>-<version>.dist-info/RECORD files; names compare
// after PEP 503 normalisation. A distribution's bytes are the files its
// RECORD lists, reported as the highest directories under site-packages
// that no other distribution's RECORD touches (so namespace packages such as
// google/ are split correctly), plus exact paths for files elsewhere (console
// scripts in bin/).
//
// Which site-packages belong to a project: those inside the project
// directory (an in-project virtualenv) if any, else every site-packages
// outside all project directories except the distribution-managed
// /usr/lib/python3*/ trees. In a shared site-packages only distributions the
// lockfile names are reported; in a project's own virtualenv the others are
// reported as extraneous.
package python
