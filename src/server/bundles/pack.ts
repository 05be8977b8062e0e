// The packing rule lives with the SDK (clients/typescript), which packs a user's folder with no
// server around; the server's seeding packs with the same code so a folder keeps one digest.
export * from '../../../clients/typescript/src/pack';
