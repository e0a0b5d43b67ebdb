package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"
)

// InstanceSecret is a secret the platform generated for itself and keeps in
// common.instance_secrets, so every instance on the database uses the same.
type InstanceSecret struct {
	Name      string `gorm:"primaryKey"`
	Value     string
	CreatedAt time.Time
}

func (InstanceSecret) TableName(n schema.Namer) string {
	return tableName(n, "common", "instance_secrets")
}

// JWTSecretName is the session-signing key's row.
const JWTSecretName = "jwt_secret"

// SharedSecret returns the secret called name, generating 32 random bytes
// (hex) the first time. Two instances starting together both try to insert
// their own; the primary key lets exactly one win (ON CONFLICT DO NOTHING),
// and both read back the winner's.
func SharedSecret(ctx context.Context, db *gorm.DB, name string, now time.Time) ([]byte, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	db = db.WithContext(ctx)
	row := InstanceSecret{Name: name, Value: hex.EncodeToString(raw), CreatedAt: now.UTC()}
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return nil, fmt.Errorf("keep the generated %s in common.instance_secrets: %w", name, err)
	}
	var kept InstanceSecret
	if err := db.Where("name = ?", name).Take(&kept).Error; err != nil {
		return nil, fmt.Errorf("read %s from common.instance_secrets: %w", name, err)
	}
	if len(kept.Value) < 32 {
		return nil, fmt.Errorf("%s in common.instance_secrets is shorter than 32 characters", name)
	}
	return []byte(kept.Value), nil
}

// WriteCheck proves the database takes writes: it updates the heartbeat
// row inside a transaction and rolls it back, so a read-only database (a
// standby, a read-only file or mount) fails here while nothing is changed.
func WriteCheck(ctx context.Context, db *gorm.DB) error {
	tx := db.WithContext(ctx).Begin()
	if tx.Error != nil {
		return tx.Error
	}
	defer tx.Rollback()
	table := NamerOf(db).QualifiedName("common", "heartbeat")
	return tx.Exec("UPDATE "+table+" SET beat_at = ? WHERE id = 1", time.Now().UTC()).Error
}
