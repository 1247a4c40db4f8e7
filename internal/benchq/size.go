package benchq

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// SizeEnv names the environment variable that sets how many models a benchmark uses. It is
// the one name for every benchmark of the repository.
const SizeEnv = "MALLIHAKU_BENCH_MODELS"

// Models is the number of models a benchmark uses: $MALLIHAKU_BENCH_MODELS, or def when it is
// unset. A value that is not a positive whole number is an error, not a silent default.
func Models(def int) (int, error) {
	s := strings.TrimSpace(os.Getenv(SizeEnv))
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s=%q: want a positive number of models", SizeEnv, s)
	}
	return n, nil
}
