/* Native driver: prints the checksum of the workload it is linked with. */
#include <inttypes.h>
#include <stdio.h>

int64_t run(void);

int main(void) {
    printf("%" PRId64 "\n", run());
    return 0;
}
