package addonupload

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
)

// keyPrefixLen is the length of the public part of a key ("pattk_" + 8
// hex): shown on the officers' page and used to find the row.
const keyPrefixLen = 14

// LegacyUploaderName names uploads made with the single PATT_API_KEY.
const LegacyUploaderName = "PATT_API_KEY (legacy)"

// Uploader is who an upload is from: a key's row, or the legacy key (ID nil).
type Uploader struct {
	ID   *int
	Name string
}

// NewKey makes a key: "pattk_" + 8 hex (the public prefix) + "_" + 48 hex
// of secret. 28 random bytes is far beyond guessing, so a fast SHA-256 is
// the right hash (bcrypt's slowness only matters for low-entropy secrets).
func newKey() (key, prefix string, err error) {
	b := make([]byte, 28)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	h := hex.EncodeToString(b)
	key = "pattk_" + h[:8] + "_" + h[8:]
	return key, key[:keyPrefixLen], nil
}

func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// CreateUploader issues a new key for name. The key is returned once and
// never stored.
func CreateUploader(ctx context.Context, db *gorm.DB, name string, createdBy *int, now time.Time) (models.AddonUploader, string, error) {
	name = clean(name, 100)
	if name == "" {
		return models.AddonUploader{}, "", fault.Invalid("name", "Give the key a name, e.g. whose PC it is on.")
	}
	key, prefix, err := newKey()
	if err != nil {
		return models.AddonUploader{}, "", fmt.Errorf("make uploader key: %w", err)
	}
	u := models.AddonUploader{Name: name, KeyPrefix: prefix, KeyHash: hashKey(key), CreatedByPlayerID: createdBy, CreatedAt: now}
	if err := db.WithContext(ctx).Create(&u).Error; err != nil {
		return models.AddonUploader{}, "", fmt.Errorf("save uploader %q: %w", name, err)
	}
	return u, key, nil
}

// RevokeUploader stops a key from working. Revoking twice is a no-op.
func RevokeUploader(ctx context.Context, db *gorm.DB, id int, now time.Time) (models.AddonUploader, error) {
	var u models.AddonUploader
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.First(&u, id).Error; err != nil {
			if err == gorm.ErrRecordNotFound {
				return fault.NotFound("No such uploader key.")
			}
			return err
		}
		if u.RevokedAt != nil {
			return nil
		}
		u.RevokedAt = &now
		return tx.Model(&u).Update("revoked_at", now).Error
	})
	return u, err
}

// ListUploaders returns every key, live ones first, newest first.
func ListUploaders(ctx context.Context, db *gorm.DB) ([]models.AddonUploader, error) {
	var out []models.AddonUploader
	err := db.WithContext(ctx).Order("revoked_at IS NOT NULL, created_at DESC, id DESC").Find(&out).Error
	return out, err
}

// Authenticate finds who presented key: an unrevoked uploader key, or the
// legacy key when one is configured. Comparisons are constant-time on the
// hashes, so neither the key nor its hash leaks through timing. A missing
// or wrong key is KindUnauthenticated with one message for both.
func Authenticate(ctx context.Context, db *gorm.DB, legacyKey, key string, now time.Time) (Uploader, error) {
	bad := fault.Unauthenticated("Invalid API key.")
	key = strings.TrimSpace(key)
	if key == "" {
		return Uploader{}, fault.Unauthenticated("Invalid API key: send it in the X-API-Key header.")
	}
	presented := hashKey(key)
	if strings.HasPrefix(key, "pattk_") && len(key) > keyPrefixLen {
		var rows []models.AddonUploader
		if err := db.WithContext(ctx).Where("key_prefix = ? AND revoked_at IS NULL", key[:keyPrefixLen]).Find(&rows).Error; err != nil {
			return Uploader{}, fmt.Errorf("look up uploader key: %w", err)
		}
		for _, u := range rows {
			if subtle.ConstantTimeCompare([]byte(presented), []byte(u.KeyHash)) == 1 {
				if err := db.WithContext(ctx).Model(&models.AddonUploader{}).Where("id = ?", u.ID).Update("last_used_at", now).Error; err != nil {
					return Uploader{}, fmt.Errorf("stamp uploader key: %w", err)
				}
				id := u.ID
				return Uploader{ID: &id, Name: u.Name}, nil
			}
		}
		return Uploader{}, bad
	}
	if legacyKey != "" && subtle.ConstantTimeCompare([]byte(presented), []byte(hashKey(legacyKey))) == 1 {
		return Uploader{Name: LegacyUploaderName}, nil
	}
	return Uploader{}, bad
}
