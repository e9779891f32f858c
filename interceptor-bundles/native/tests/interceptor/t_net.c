/* Network hooks: a TCP listener, a connection to it, accept, UDP connect and name lookups. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *) &a, sizeof a) != 0 || listen(ls, 4) != 0) {
        return 2;
    }
    socklen_t len = sizeof a;
    getsockname(ls, (struct sockaddr *) &a, &len);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *) &a, sizeof a) != 0) {
        return 3;
    }
    struct sockaddr_in peer;
    len = sizeof peer;
    int s = accept(ls, (struct sockaddr *) &peer, &len);
    if (s < 0) {
        return 4;
    }
    struct sockaddr_in local;
    len = sizeof local;
    getsockname(c, (struct sockaddr *) &local, &len);
    printf("listen=%d client=%d\n", ntohs(a.sin_port), ntohs(local.sin_port));
    close(s);
    close(c);
    close(ls);

    int u = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 a6;
    memset(&a6, 0, sizeof a6);
    a6.sin6_family = AF_INET6;
    a6.sin6_addr = in6addr_loopback;
    a6.sin6_port = htons(9);
    if (u >= 0) {
        connect(u, (struct sockaddr *) &a6, sizeof a6);
        close(u);
    }

    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    if (getaddrinfo("localhost", "80", &hints, &res) != 0) {
        return 5;
    }
    freeaddrinfo(res);
    struct hostent *h = gethostbyname("localhost");
    if (h == NULL) {
        return 6;
    }
    return 0;
}
