package gen

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	_ "github.com/glebarez/go-sqlite" // registers the pure-Go "sqlite" driver go-rpmdb reads with
)

// rpmdbSQLitePath is where rpm >= 4.16 keeps its SQLite database.
const rpmdbSQLitePath = "/var/lib/rpm/rpmdb.sqlite"

// rpmdbSchema is rpm 4.16's schema (lib/backend/sqlite.c): the Packages table
// holds one raw header blob per installed package; Name is the one secondary
// index kept here (the others only speed up rpm's own queries).
func rpmdbSchema() []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT,blob BLOB NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS 'Name' (key 'TEXT' NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL, FOREIGN KEY (hnum) REFERENCES 'Packages'(hnum))`,
		`CREATE INDEX IF NOT EXISTS 'Name_key_idx' ON 'Name'(key ASC)`,
		`CREATE INDEX IF NOT EXISTS 'Name_hnum_idx' ON 'Name'(hnum ASC)`,
	}
}

// writeRPMDBSQLite returns the bytes of a SQLite rpmdb holding the raw headers
// of pkgs, in order, as rows 1..n. The database is built in a temporary
// directory that is removed before returning. The output depends only on the
// headers and the SQLite library version.
func writeRPMDBSQLite(ctx context.Context, pkgs []*rpmPackage) ([]byte, error) {
	dir, err := os.MkdirTemp("", "slimcheck-demo-sqlite-*")
	if err != nil {
		return nil, fmt.Errorf("creating temporary directory for rpmdb.sqlite: %w", err)
	}
	defer os.RemoveAll(dir)
	dbPath := filepath.Join(dir, "rpmdb.sqlite")

	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=journal_mode(DELETE)")
	if err != nil {
		return nil, fmt.Errorf("opening rpmdb.sqlite: %w", err)
	}
	if err := fillRPMDB(ctx, db, pkgs); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := db.Close(); err != nil {
		return nil, fmt.Errorf("closing rpmdb.sqlite: %w", err)
	}
	b, err := os.ReadFile(dbPath)
	if err != nil {
		return nil, fmt.Errorf("reading rpmdb.sqlite: %w", err)
	}
	return b, nil
}

func fillRPMDB(ctx context.Context, db *sql.DB, pkgs []*rpmPackage) error {
	db.SetMaxOpenConns(1)
	for _, stmt := range rpmdbSchema() {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("creating rpmdb.sqlite schema: %w", err)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("starting rpmdb.sqlite transaction: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	for i, p := range pkgs {
		hnum := i + 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO Packages (hnum, blob) VALUES (?, ?)`, hnum, p.blob); err != nil {
			return fmt.Errorf("inserting header of %s into rpmdb.sqlite: %w", p.nevra(), err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO Name (key, hnum, idx) VALUES (?, ?, 0)`, p.info.Name, hnum); err != nil {
			return fmt.Errorf("indexing name of %s in rpmdb.sqlite: %w", p.nevra(), err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing rpmdb.sqlite: %w", err)
	}
	return nil
}
