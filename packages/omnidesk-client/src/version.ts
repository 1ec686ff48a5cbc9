/** This package's version, sent in the User-Agent (`@org/omnidesk-client/<version>`). */
export const PACKAGE_VERSION = '0.1.0';
