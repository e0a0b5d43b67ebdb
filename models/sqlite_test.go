package models_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
)

// Transactions that read and then write must queue on SQLite, not fail with
// "database is locked": the DSN asks for BEGIN IMMEDIATE and a busy timeout.
func TestConcurrentWriteTransactionsQueue(t *testing.T) {
	db, _ := dbtest.Migrated(t, models.SQLite)
	const writers = 16
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- db.Transaction(func(tx *gorm.DB) error {
				var n int64
				if err := tx.Model(&models.MitoQuote{}).Count(&n).Error; err != nil {
					return err
				}
				return tx.Create(&models.MitoQuote{Quote: fmt.Sprintf("quote %d after %d", i, n)}).Error
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	var n int64
	require.NoError(t, db.Model(&models.MitoQuote{}).Count(&n).Error)
	require.EqualValues(t, writers, n)
}
