package handlers

import (
	"os"
	"testing"

	"patt/auth"
)

func TestMain(m *testing.M) {
	auth.UseFastHashingForTests()
	os.Exit(m.Run())
}
