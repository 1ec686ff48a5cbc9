/** This package's version, as `order-messaging --version` prints it. */
export const PACKAGE_VERSION = '0.1.0';
