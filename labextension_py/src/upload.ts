import { Notification } from '@jupyterlab/apputils';
import { Contents } from '@jupyterlab/services';

import { notifyError } from './notify';

/** Read a file as base64 (the contents API's format for binary files). */
function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/**
 * Upload files into a folder through the contents API (so the server's upload
 * checks apply), creating the folder if needed. Returns the saved paths.
 */
export async function uploadFiles(contents: Contents.IManager, folder: string, files: File[]): Promise<string[]> {
  const saved: string[] = [];
  try {
    await contents.get(folder, { content: false });
  } catch {
    const made = await contents.newUntitled({ path: folder.split('/').slice(0, -1).join('/'), type: 'directory' });
    await contents.rename(made.path, folder);
  }
  for (const file of files) {
    const path = `${folder}/${file.name}`;
    try {
      await contents.save(path, { type: 'file', format: 'base64', content: await toBase64(file) });
      saved.push(path);
    } catch (error) {
      notifyError(error, `Could not upload ${file.name}`);
    }
  }
  if (saved.length) {
    Notification.success(`Uploaded ${saved.length} file${saved.length > 1 ? 's' : ''} to ${folder}.`, {
      autoClose: 4000
    });
  }
  return saved;
}
