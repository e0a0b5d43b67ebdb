package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"
	"strings"

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

// SQLite primary result codes of storage that failed under the database.
const (
	sqliteIOErr    = 10
	sqliteCantOpen = 14
)

// IsUnreachable reports whether err says the database itself could not be
// reached (an outage), as opposed to a statement that failed: the pool is
// closed, a connection could not be made or was cut by the server (the
// server shutting down, the database dropped or not accepting
// connections, connection failures of class 08), or SQLite's file could not
// be read or opened. GORM sometimes joins errors with %v, losing the chain,
// so the driver's fixed texts are recognised too.
func IsUnreachable(err error) bool {
	if err == nil {
		return false
	}
	var connect *pgconn.ConnectError
	if errors.As(err, &connect) {
		return true
	}
	// A statement cut by the request's own deadline (a lock held too long)
	// is a stuck request, not an unreachable database: pgx cancels it by
	// timing out the socket, which would otherwise read as a network error.
	var timeout net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || pgconn.Timeout(err) ||
		(errors.As(err, &timeout) && timeout.Timeout()) {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "57P01", "57P02", "57P03", "3D000", "53300":
			return true
		}
		return strings.HasPrefix(pg.Code, "08")
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) {
		return true
	}
	var netErr *net.OpError
	if errors.As(err, &netErr) {
		return true
	}
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		code := coded.Code() & 0xff
		return code == sqliteIOErr || code == sqliteCantOpen
	}
	msg := err.Error()
	// GORM joins a failed statement and its rollback with "; " and loses
	// the chain: "timeout: context deadline exceeded; conn closed" is the
	// request's deadline closing its connection, not an outage.
	if strings.Contains(msg, context.DeadlineExceeded.Error()) || strings.Contains(msg, context.Canceled.Error()) {
		return false
	}
	for _, text := range []string{"sql: database is closed", "failed to connect to", "conn closed", "SQLSTATE 57P01", "SQLSTATE 3D000"} {
		if strings.Contains(msg, text) {
			return true
		}
	}
	return false
}
