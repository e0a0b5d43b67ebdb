package models

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gorm.io/gorm"
)

// utcPool sits between GORM and an SQLite connection pool and turns every
// time parameter into UTC. SQLite stores timestamps as text and compares
// them as text, so 10:00-04:00 and 14:00Z would not compare as the same
// instant; with every value in UTC, text order is time order. Postgres
// (TIMESTAMPTZ) compares instants itself and needs no such help.
type utcPool struct {
	db *sql.DB
}

func utcArgs(args []any) []any {
	for i, a := range args {
		switch v := a.(type) {
		case time.Time:
			args[i] = v.UTC()
		case *time.Time:
			if v != nil {
				u := v.UTC()
				args[i] = &u
			}
		case sql.NullTime:
			if v.Valid {
				args[i] = sql.NullTime{Time: v.Time.UTC(), Valid: true}
			}
		}
	}
	return args
}

func (p *utcPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.db.PrepareContext(ctx, query)
}

func (p *utcPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.db.ExecContext(ctx, query, utcArgs(args)...)
}

func (p *utcPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.db.QueryContext(ctx, query, utcArgs(args)...)
}

func (p *utcPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.db.QueryRowContext(ctx, query, utcArgs(args)...)
}

// BeginTx starts a transaction whose statements get the same treatment.
func (p *utcPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	tx, err := p.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &utcTx{tx}, nil
}

// GetDBConn lets db.DB() reach the real pool (ping, close, pool settings).
func (p *utcPool) GetDBConn() (*sql.DB, error) {
	if p.db == nil {
		return nil, errors.New("no database")
	}
	return p.db, nil
}

type utcTx struct {
	tx *sql.Tx
}

func (t *utcTx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.tx.PrepareContext(ctx, query)
}

func (t *utcTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, query, utcArgs(args)...)
}

func (t *utcTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, query, utcArgs(args)...)
}

func (t *utcTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, query, utcArgs(args)...)
}

func (t *utcTx) StmtContext(ctx context.Context, stmt *sql.Stmt) *sql.Stmt {
	return t.tx.StmtContext(ctx, stmt)
}

func (t *utcTx) Commit() error   { return t.tx.Commit() }
func (t *utcTx) Rollback() error { return t.tx.Rollback() }
