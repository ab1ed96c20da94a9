.PHONY: test demo build

# Every check and test, installing what they need (PostgreSQL, Chromium).
test:
	./scripts/test

# The service with synthetic demo data on the embedded database.
demo:
	go run ./cmd/waymark demo

build:
	go build -o waymark ./cmd/waymark
