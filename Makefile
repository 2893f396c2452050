# The two commands (see README.md):
#   make run    build and run Photo Spots on http://127.0.0.1:3000 with demo users,
#               and the favourites service on http://127.0.0.1:3002
#   make test   run every check and test: format, lints, unit, integration, end-to-end
# Both install what is missing first (scripts/setup.sh).

SHELL := bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/end2end/node_modules/.bin:$(PATH)

.PHONY: run favorites cluster release image deploy undeploy test setup lint unit fuzz contract e2e docs mutants

run:
	scripts/run.sh

# The favourites service alone, next to `cargo leptos watch --split` in development.
favorites:
	cargo run -p favorites

# Three instances on a throw-away PostgreSQL behind HAProxy (docs/src/operating/scale-out.md).
cluster:
	scripts/cluster.sh

test:
	scripts/test.sh

# The optimized build, served (scripts/release.sh). Set JWT_PRIVATE_KEY_FILE (or
# PHOTO_SPOTS_DEMO=1) and PUBLIC_ORIGIN first: a release build refuses to start
# without a key or without knowing the origin browsers reach it at.
release:
	scripts/release.sh

# The OCI images of the app and the favourites service, FROM scratch, with
# Debian's buildah (scripts/image.sh; docs/src/operating/containers.md).
image:
	scripts/image.sh

# The whole stack (deploy/compose.yaml, podman-compose), production mode, on http://localhost:8080
# (favourites on :8082); DEMO=1 for the demo users. `make undeploy` keeps the data.
deploy:
	scripts/deploy.sh

undeploy:
	scripts/deploy.sh down

setup:
	scripts/setup.sh --browser --postgres --haproxy

lint:
	scripts/test.sh lint

unit:
	scripts/test.sh unit

# The fuzz targets (server/fuzz) for ten minutes each; `make test` gives them 30 s.
# One target, longer: scripts/fuzz.sh 3600 photo
fuzz:
	scripts/fuzz.sh 600

contract:
	scripts/test.sh contract

# The book (docs/) in docs/book/index.html, its configuration reference written
# again from the binaries' command lines, every link checked.
docs:
	scripts/docs.sh --write

e2e:
	scripts/test.sh e2e

# Mutation testing of the token and proof verification path (cargo-mutants;
# slow on two cores, so not part of `make test`): docs/src/development/mutation-testing.md.
mutants:
	scripts/mutants.sh
