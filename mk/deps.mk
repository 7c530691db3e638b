deps:
	$(Q)tools/deps.sh install

deps-ensure:
	$(Q)tools/deps.sh ensure

.PHONY: deps deps-ensure
