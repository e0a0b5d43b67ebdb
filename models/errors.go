package models

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// sqliteConstraintCheck is SQLITE_CONSTRAINT_CHECK, the extended result code
// of a failed CHECK constraint.
const sqliteConstraintCheck = 275

// IsCheckViolation reports whether err is a failed CHECK constraint on
// either dialect. The Postgres driver translates it into
// gorm.ErrCheckConstraintViolated; the SQLite driver translates only UNIQUE
// and FOREIGN KEY failures, so its CHECK failures are recognised by code.
func IsCheckViolation(err error) bool {
	if errors.Is(err, gorm.ErrCheckConstraintViolated) {
		return true
	}
	var coded interface{ Code() int }
	return errors.As(err, &coded) && coded.Code() == sqliteConstraintCheck
}

// SQLite primary result codes of a database held by another connection.
const (
	sqliteBusy   = 5
	sqliteLocked = 6
)

// IsBusy reports whether err says the database is held by someone else: on
// SQLite a write that waited busy_timeout for the lock (SQLITE_BUSY or
// SQLITE_LOCKED), on Postgres a lock that could not be had
// (lock_not_available, 55P03) or a statement cancelled by its timeout
// (query_canceled, 57014). The caller should hear "try again", not "bug".
func IsBusy(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "55P03" || pg.Code == "57014"
	}
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		code := coded.Code() & 0xff
		return code == sqliteBusy || code == sqliteLocked
	}
	return false
}
