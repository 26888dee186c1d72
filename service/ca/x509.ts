// tsyringe, which @peculiar/x509 uses for its algorithm registry, needs the Reflect metadata API
// before the library loads, so every module in this folder imports @peculiar/x509 through here.
import 'reflect-metadata';

export * from '@peculiar/x509';
