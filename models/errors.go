package models

import (
	"errors"

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
