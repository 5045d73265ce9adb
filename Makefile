# The two commands a newcomer needs: `make demo` and `make test`.
.PHONY: test demo chaos build clean

test:
	bash scripts/test.sh

demo:
	bash scripts/demo.sh

# The randomized fault campaign (200 episodes; CHAOS_ARGS="--episodes 20 --seed 42" to change).
chaos:
	bash scripts/chaos.sh $(CHAOS_ARGS)

build:
	bash scripts/bootstrap.sh
	swift build

clean:
	rm -rf .build .build-*
