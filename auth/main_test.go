package auth

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	UseFastHashingForTests()
	os.Exit(m.Run())
}
