# The two commands a newcomer needs: `make demo` and `make test`.
.PHONY: test demo build clean

test:
	bash scripts/test.sh

demo:
	bash scripts/demo.sh

build:
	bash scripts/bootstrap.sh
	swift build

clean:
	rm -rf .build .build-*
